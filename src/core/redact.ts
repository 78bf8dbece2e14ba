/**
 * Database locations as messages and logs may show them: a connection string keeps its host,
 * port, database and user, never a credential. Every place that prints a location uses this.
 */

/** Query parameters of a connection string that hold (or point at) a secret. */
const SECRET_PARAM = /pass|secret|token|sslkey/i;

/**
 * `location` without credentials: the password of the userinfo and of any query parameter
 * (`?password=`, `sslpassword=`, ...) becomes `***`. A path is returned as it is; a connection
 * string that cannot be read as a URL is not repeated at all.
 */
export function redactLocation(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return 'DATABASE_URL (not shown: it is not a readable URL)';
  }
  if (url.password) url.password = '***';
  for (const key of [...new Set(url.searchParams.keys())]) {
    if (SECRET_PARAM.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}
