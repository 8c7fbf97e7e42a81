// Who is signed in, and signing out (the sign-in page itself is served by the server at /login).
import { markLeaving, request } from './client.js';

let current = null;

/** {name, role, kind: "user" | "token" | "local", auth_required}; asked once per page load. */
export function me() {
  if (!current) current = request('GET', '/api/me').catch((error) => { current = null; throw error; });
  return current;
}

export async function signOut() {
  await request('POST', '/logout');
  markLeaving();
  current = null;
  window.location.assign('/login');
}
