// Text the Register dialog reads and suggests: tags as "key=value, ..." and a dataset name from a path.

/** "team=botany, source=field" → {team: "botany", source: "field"}; null when a piece has no "=". */
export function parseTags(text) {
  const tags = {};
  for (const piece of text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const at = piece.indexOf('=');
    if (at <= 0) return null;
    tags[piece.slice(0, at).trim()] = piece.slice(at + 1).trim();
  }
  return tags;
}

/** A dataset name from a file or folder path: its last part without the suffix, in the allowed characters. */
export const suggestedName = (path) => (path || '').split('/').filter(Boolean).pop()?.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || '';
