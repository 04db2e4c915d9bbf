"""Prints the GraphQL documents the installed wandb SDK sends, as JSON {key: text}, for queries_test.ts."""
import inspect
import json
import re
import sys

from wandb.apis.public import files, runs
from wandb.apis._generated import operations as api_ops
from wandb.sdk.artifacts._generated import operations as art_ops


def doc_in(func, marker):
    """The first triple-quoted string in func's source that contains marker, with {{ }} unescaped."""
    src = inspect.getsource(func)
    for m in re.finditer(r'"""(.*?)"""', src, re.S):
        text = m.group(1)
        if marker in text:
            return text
    raise SystemExit(f"no document with {marker!r} in {func.__qualname__}")


def unbrace(text):
    return text.replace("{{", "{").replace("}}", "}")


out = {
    "RUN_FRAGMENT": runs.RUN_FRAGMENT,
    "LIGHTWEIGHT_RUN_FRAGMENT": runs.LIGHTWEIGHT_RUN_FRAGMENT,
    "RUNS_LAZY_QUERY": runs._create_runs_query(lazy=True),
    "RUNS_FULL_QUERY": runs._create_runs_query(lazy=False),
    "RUN_FILES_FRAGMENT": files.FILE_FRAGMENT,
    "RUN_FILES_QUERY": files.Files._get_query(None),
    "RUN_FULL_QUERY": unbrace(doc_in(runs.Run._load_with_fragment, "query Run("))
    .replace("{fragment_name}", "RunFragment").replace("{fragment}", runs.RUN_FRAGMENT),
    "RUN_LAZY_QUERY": unbrace(doc_in(runs.Run._load_with_fragment, "query Run("))
    .replace("{fragment_name}", "LightweightRunFragment")
    .replace("{fragment}", runs.LIGHTWEIGHT_RUN_FRAGMENT),
    "RUN_STATE_QUERY": doc_in(runs.Run.wait_until_finished, "query RunState"),
    "RUN_HISTORY_KEYS_QUERY": doc_in(runs.Run.lastHistoryStep.fget, "query RunHistoryKeys"),
    "RUN_SAMPLED_HISTORY_QUERY": doc_in(runs.Run._sampled_history, "query RunSampledHistory"),
    "RUN_FULL_HISTORY_QUERY": unbrace(doc_in(runs.Run._full_history, "query RunFullHistory")).replace("{}", "history"),
    "RUN_FULL_EVENTS_QUERY": unbrace(doc_in(runs.Run._full_history, "query RunFullHistory")).replace("{}", "events"),
    "UPSERT_BUCKET_UPDATE_MUTATION": unbrace(doc_in(runs.Run.update, "mutation UpsertBucket")).replace("{}", runs.RUN_FRAGMENT),
    "UPDATE_RUN_STATE_MUTATION": doc_in(runs.Run.update_state, "mutation UpdateRunState"),
    "CREATE_RUN_FILES_MUTATION": doc_in(runs.Run.upload_file, "mutation CreateRunFiles"),
    "DELETE_FILES_MUTATION": doc_in(files.File.delete, "mutation deleteFiles"),
    "GET_DEFAULT_ENTITY_QUERY": api_ops.GET_DEFAULT_ENTITY_GQL,
    "GET_VIEWER_QUERY": api_ops.GET_VIEWER_GQL,
    # The SDK drops digestAlgorithm when the server lacks ARTIFACT_DIGEST_ALGORITHM (_gqlutils.omit_artifact_fields).
    "RUN_OUTPUT_ARTIFACTS_QUERY": art_ops.RUN_OUTPUT_ARTIFACTS_GQL.replace("  digestAlgorithm @include(if: true)\n", ""),
    "RUN_INPUT_ARTIFACTS_QUERY": art_ops.RUN_INPUT_ARTIFACTS_GQL.replace("  digestAlgorithm @include(if: true)\n", ""),
    "FETCH_ARTIFACT_MANIFEST_QUERY": art_ops.FETCH_ARTIFACT_MANIFEST_GQL,
    "GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY": art_ops.GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL,
}
sys.stdout.write(json.dumps(out))
