// A browser's part of the staff sign-in, with fetch: follows redirects by hand, keeps cookies like a
// browser on one host (cookies are not per port), and fills in the identity provider's sign-in form.
// For end-to-end tests of the API as relying party (the browser story drives real Chromium instead).

/** Cookies by name and path (one host: 127.0.0.1, every port, as a browser keeps them). */
export class CookieJar {
  private cookies = new Map<string, { value: string; path: string }>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      const key = `${name};${path}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }
  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([key, c]) => `${key.split(';')[0]}=${c.value}`)
      .join('; ');
  }
  get(name: string): string | undefined {
    for (const [key, c] of this.cookies) if (key.split(';')[0] === name) return c.value;
    return undefined;
  }
  set(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { value, path });
  }
}

export interface Hop { url: URL; res: Response }

/**
 * Follows redirects like a browser until an answer that is not a redirect, or until a redirect would
 * go to `stopAt` (an origin + path prefix: the callback is then left to the caller). Returns the last hop.
 */
export async function browse(jar: CookieJar, start: string, init: RequestInit = {}, stopAt?: string): Promise<Hop> {
  let url = new URL(start);
  let request: RequestInit = init;
  for (let hops = 0; hops < 15; hops++) {
    if (stopAt && url.href.startsWith(stopAt)) return { url, res: new Response(null, { status: 204 }) };
    const res = await fetch(url, { ...request, redirect: 'manual', headers: { ...(request.headers as Record<string, string>), cookie: jar.header(url) }, signal: AbortSignal.timeout(10_000) });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url, res };
    await res.body?.cancel();
    url = new URL(location, url);
    request = {};
  }
  throw new Error('too many redirects');
}

/** Fills in the provider's sign-in form on `page` and follows on (stopping before `stopAt`, when given). */
export async function submitSignIn(jar: CookieJar, page: Hop, username: string, password: string, stopAt?: string): Promise<Hop> {
  const html = await page.res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no sign-in form at ${page.url.href}:\n${html.slice(0, 2000)}`);
  return browse(jar, new URL(action.replace(/&amp;/g, '&'), page.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  }, stopAt);
}
