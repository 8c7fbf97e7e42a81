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

export const access = {
  listUsers: () => request('GET', '/api/users'),
  addUser: (name, role, password) => request('POST', '/api/users', { name, role, password }),
  setRole: (name, role) => request('PATCH', `/api/users/${encodeURIComponent(name)}`, { role }),
  removeUser: (name) => request('DELETE', `/api/users/${encodeURIComponent(name)}`),
  listTokens: () => request('GET', '/api/tokens'),
  createToken: (name, role) => request('POST', '/api/tokens', { name, role }),
  revokeToken: (name) => request('DELETE', `/api/tokens/${encodeURIComponent(name)}`),
};

export const ROLES = ['viewer', 'editor', 'admin'];
export const ROLE_HELP = { viewer: 'reads', editor: 'edits and runs', admin: 'also manages compute, users and keys' };
