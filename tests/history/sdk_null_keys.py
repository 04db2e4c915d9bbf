"""Reads one run's history with the official SDK's scan_history(keys=...) and prints the rows as JSON.

Usage: python sdk_null_keys.py BASE_URL API_KEY ENTITY/PROJECT/RUN_ID KEYS_JSON
KEYS_JSON is a list of key lists; the output is one list of rows per key list, as the SDK yields them.
Used by sdk_null_keys_test.ts (the SDK as referee for the null rule of src/history/key_selection.ts).
"""

import json
import sys

import wandb


def main() -> None:
    base_url, api_key, path, keys_json = sys.argv[1:5]
    api = wandb.Api(overrides={"base_url": base_url}, api_key=api_key)
    run = api.run(path)
    out = [list(run.scan_history(keys=keys)) for keys in json.loads(keys_json)]
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
