# wbx history team/project/abc123 -f | python follow_to_duckdb.py runs.duckdb abc123
import duckdb, json, sys

con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS history (run VARCHAR, step BIGINT, row JSON)")
for line in sys.stdin:  # one NDJSON row per logged step, as soon as wbx reads it
    step = json.loads(line)["_step"]
    con.execute("INSERT INTO history VALUES (?, ?, ?)", [sys.argv[2], step, line])
con.close()
