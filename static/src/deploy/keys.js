// Keys the server has just returned (deploy, publish, rotation), kept in memory only until the page
// that shows them once has taken them: nothing is written to storage, and a reload forgets them.
const fresh = new Map();

const slot = (kind, id) => `${kind}:${id}`;

/** kind: 'endpoint' | 'pipeline'. */
export function rememberKey(kind, id, key) {
  if (key) fresh.set(slot(kind, id), key);
}

/** The key waiting for this page, if any; it stays until forgetKey so a re-render still finds it. */
export function peekKey(kind, id) {
  return fresh.get(slot(kind, id)) || null;
}

export function forgetKey(kind, id) {
  fresh.delete(slot(kind, id));
}
