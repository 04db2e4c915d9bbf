/** The `wbx help environment` page: every variable and file wbx reads, as the W&B SDK reads them. */
export function environmentHelp(): string {
  return `Environment: what wbx reads, the same variables and files as the W&B SDK

  WANDB_API_KEY     API key for runs on a W&B server (https://wandb.ai/authorize).
                    Without it, the netrc entry for the API host is used (see wbx login).
  WANDB_BASE_URL    API address, e.g. https://api.wandb.ai (default) or a self-hosted
                    server such as http://localhost:8080. An address that refuses
                    connections or does not resolve fails within seconds.
  WANDB_ENTITY      Entity (user or team) for run paths that name none:
                    WANDB_ENTITY=team WANDB_PROJECT=proj wbx history run01
                    reads team/proj/run01, as the SDK's api.run("run01") does.
  WANDB_PROJECT     Project for run paths that name none (a bare run id).
  WANDB_APP_URL     Web app address used in run URLs (default: derived from WANDB_BASE_URL).
  WANDB_HTTP_TIMEOUT             Seconds one HTTP attempt may take (default 30).
  WANDB__GRAPHQL_RETRY_MAX       Retries of a failed request (default 20; 429, 5xx, resets).
  WANDB__EXTRA_HTTP_HEADERS      JSON object of headers sent with every request.

Files
  ~/.netrc          "machine <host[:port]> login user password <key>" per API host, as
                    written by "wandb login" and "wbx login"; NETRC names another file.

Proxies
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY are honoured by Deno and Bun (and by the bun --compile
  binary). Node 24 honours them with NODE_USE_ENV_PROXY=1 (or node --use-env-proxy).

Output
  Data goes to stdout, progress, retries and diagnostics to stderr; progress is drawn only
  when stderr is a terminal and stdout is not. Exit codes: 0 success, 1 failure, 2 bad
  usage, 130 interrupted (Ctrl-C; no partial file is left under the output name).
`
}
