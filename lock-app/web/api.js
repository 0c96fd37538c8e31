/**
 * Calls to the app API (`/t/{tenant}/lock/api/*`, relative to the app). Every answer comes
 * back as `{ ok, status, body, code }`; `code` is the stable error code of a problem+json
 * answer (its `title`), `ERR_NETWORK` when the server could not be reached.
 */
export async function callApi(method, path, body) {
  let res;
  try {
    res = await fetch(`api/${path}`, {
      method,
      cache: 'no-store',
      credentials: 'omit',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    return { ok: false, status: 0, body: undefined, code: 'ERR_NETWORK' };
  }
  let parsed;
  try {
    parsed = await res.json();
  } catch {
    parsed = undefined;
  }
  const code = res.ok ? undefined : (parsed?.code ?? parsed?.title ?? `HTTP_${res.status}`);
  return { ok: res.ok, status: res.status, body: parsed, code };
}
