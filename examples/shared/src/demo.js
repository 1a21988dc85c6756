// What a demo run prints at start when no KEYWARD_JWT_SECRET was given: an admin token signed
// with the generated secret and a copy-paste curl walk through the API.

/**
 * The demo banner: the token and curl lines (bash/zsh; `node -pe` reads the JSON answers). The
 * script block has no blank line inside, so it can be copied (or cut out) in one piece.
 *
 * @example
 * console.log(demoInstructions('http://127.0.0.1:3000', token));
 *
 * @param {string} url Base URL of the server.
 * @param {string} token A management token for `demo-user` of `acme`.
 * @returns {string}
 */
export function demoInstructions(url, token) {
  const json = `-H 'content-type: application/json'`;
  const create = (/** @type {string} */ nickname, /** @type {string[]} */ scopes) =>
    `curl -s -X POST "$KW/auth/api-keys" -H "Authorization: Bearer $TOKEN" ${json} -d '${JSON.stringify({ nickname, scopes })}'`;
  const run = (/** @type {string} */ header) => `curl -si -w '\\n' -X POST "$KW/v1/run" -H "X-API-Key: ${header}" ${json} -d '{"agent_type":"triage","task":"hello"}'`;
  return `
KEYWARD_JWT_SECRET is not set: generated one for this run. Demo admin token (sub demo-user, org acme, valid 1 h):

export KW=${url} TOKEN=${token}
j() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }
# 1. Create a key with agents:run agents:read (its value is shown once)
RUNNER=$(${create('runner', ['agents:run', 'agents:read'])}); echo "$RUNNER"
KEY=$(echo "$RUNNER" | j .key); ID=$(echo "$RUNNER" | j .id)
# 2. Queue a run: 202
${run('$KEY')}
# 3. A read-only key gets 403 insufficient_scope on /v1/run, and can list runs
READER=$(${create('reader', ['agents:read'])}); RO=$(echo "$READER" | j .key)
${run('$RO')}
curl -si -w '\\n' "$KW/v1/runs" -H "Authorization: Bearer $RO"
# 4. Revoke the first key: it answers 401 revoked_api_key at once
curl -si -w '\\n' -X DELETE "$KW/auth/api-keys/$ID" -H "Authorization: Bearer $TOKEN"
${run('$KEY')}
`;
}
