"""Open wbx output with one reader, default options, and print what it sees as JSON.

Usage: `python readers.py READER PATH [JSON_COLUMNS]` where READER is one of the names in
`READERS`. Prints `{"types": {column: type}, "rows": [{column: value}]}`: values made JSON-safe
(NaN/±Infinity as "NaN"/"Infinity"/"-Infinity", columns named in JSON_COLUMNS, a comma list,
decoded from their JSON text). Each reader's opening line is the one docs/readers.md shows.
"""

import json
import math
import sys


def plain(value):
    """A JSON-safe copy of one cell."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if getattr(value, "ndim", 0) > 0:
        return [plain(v) for v in value.tolist()]  # numpy arrays (pandas list cells)
    if hasattr(value, "item") and not isinstance(value, (list, dict, str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": bytes(value).decode("utf-8", "replace")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return [plain(v) for v in value.tolist()]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def pandas_frame(df):
    return {str(k): str(v) for k, v in df.dtypes.items()}, df.to_dict(orient="records")


def arrow_table(t):
    return {f.name: str(f.type) for f in t.schema}, t.to_pylist()


def polars_frame(df):
    return {k: str(v) for k, v in df.schema.items()}, df.to_dicts()


def duck_relation(rel):
    return {c: str(t) for c, t in zip(rel.columns, rel.types)}, [dict(zip(rel.columns, r)) for r in rel.fetchall()]


def read(reader, path):
    # The opening lines below are the ones docs/readers.md quotes.
    if reader == "pandas-dataset":
        import pandas as pd
        return pandas_frame(pd.read_parquet(f"{path}/history"))
    if reader == "pyarrow-dataset":
        import pyarrow.dataset as ds
        return arrow_table(ds.dataset(f"{path}/history", format="parquet", partitioning="hive").to_table())
    if reader == "polars-dataset":
        import polars as pl
        return polars_frame(pl.scan_parquet(f"{path}/history", hive_partitioning=True).collect())
    if reader == "duckdb-dataset":
        import duckdb
        return duck_relation(duckdb.sql(f"SELECT * FROM read_parquet('{path}/history/**/*.parquet', hive_partitioning = true)"))
    if reader == "pandas-runs":
        import pandas as pd
        return pandas_frame(pd.read_parquet(f"{path}/runs.parquet"))
    if reader == "pyarrow-runs":
        import pyarrow.parquet as pq
        return arrow_table(pq.read_table(f"{path}/runs.parquet"))
    if reader == "polars-runs":
        import polars as pl
        return polars_frame(pl.read_parquet(f"{path}/runs.parquet"))
    if reader == "duckdb-runs":
        import duckdb
        return duck_relation(duckdb.sql(f"SELECT * FROM read_parquet('{path}/runs.parquet')"))
    if reader == "polars-csv":
        import polars as pl
        return polars_frame(pl.read_csv(path))
    if reader == "polars-ndjson":
        import polars as pl
        return polars_frame(pl.read_ndjson(path))
    if reader == "pandas-csv":
        import pandas as pd
        return pandas_frame(pd.read_csv(path))
    if reader == "pandas-ndjson":
        import pandas as pd
        # precise_float: pandas' default JSON float parser is not round-trip exact
        return pandas_frame(pd.read_json(path, lines=True, precise_float=True))
    if reader == "pandas-parquet":
        import pandas as pd
        return pandas_frame(pd.read_parquet(path))
    if reader == "polars-parquet":
        import polars as pl
        return polars_frame(pl.read_parquet(path))
    if reader in ("duckdb-csv", "duckdb-ndjson", "duckdb-parquet"):
        import duckdb
        fn = {"duckdb-csv": "read_csv", "duckdb-ndjson": "read_json", "duckdb-parquet": "read_parquet"}[reader]
        return duck_relation(duckdb.sql(f"SELECT * FROM {fn}('{path}')"))
    raise SystemExit(f"unknown reader {reader}")


def main():
    reader, path = sys.argv[1], sys.argv[2]
    json_columns = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else set()
    types, rows = read(reader, path)
    out = []
    for row in rows:
        clean = {}
        for k, v in row.items():
            v = plain(v)
            if k in json_columns and isinstance(v, str):
                try:
                    v = plain(json.loads(v))
                except ValueError:
                    pass  # CSV writes a JSON column's strings as themselves
            clean[k] = v
        out.append(clean)
    print(json.dumps({"types": types, "rows": out}, allow_nan=False, default=str))


if __name__ == "__main__":
    main()
