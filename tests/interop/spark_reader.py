"""Open a wbx export folder with Apache Spark (local[1], default options) and print what it sees.

Usage: `python spark_reader.py DIR [JSON_COLUMNS]`; prints `{"history": view, "runs": view}` in
the shape of readers.py. Spark starts once (it is slow), reads both tables, and stops.
"""

import json
import sys

from pyspark.sql import SparkSession

from readers import plain


def view(df, json_columns):
    rows = []
    for row in df.collect():
        clean = {}
        for k, v in row.asDict().items():
            v = plain(v)
            if k in json_columns and isinstance(v, str):
                v = plain(json.loads(v))
            clean[k] = v
        rows.append(clean)
    return {"types": {f.name: f.dataType.simpleString() for f in df.schema.fields}, "rows": rows}


def main():
    path = sys.argv[1]
    json_columns = set(sys.argv[2].split(",")) if len(sys.argv) > 2 and sys.argv[2] else set()
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        # The opening lines docs/readers.md quotes.
        history = spark.read.parquet(f"{path}/history")
        runs = spark.read.parquet(f"{path}/runs.parquet")
        out = {"history": view(history, json_columns), "runs": view(runs, set())}
    finally:
        spark.stop()
    print(json.dumps(out, allow_nan=False, default=str))


if __name__ == "__main__":
    main()
