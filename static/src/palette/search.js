// Component search shared by the palette and the quick-add popup: every word must match somewhere,
// and matches in the name rank above matches in the description.
export function matchesQuery(component, query) {
  return score(component, query) > 0;
}

function score(component, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return 1;
  const name = `${component.name} ${component.id}`.toLowerCase();
  const rest = `${component.category} ${component.description || ''} ${(component.tags || []).join(' ')}`.toLowerCase();
  let total = 0;
  for (const w of words) {
    if (name.startsWith(w)) total += 4;
    else if (name.split(/[\s-]+/).some((part) => part.startsWith(w))) total += 3;
    else if (name.includes(w)) total += 2;
    else if (rest.includes(w)) total += 1;
    else return 0;
  }
  return total;
}

/** Components matching the query, best first (stable within equal scores). */
export function rankComponents(components, query) {
  return components
    .map((c, i) => ({ c, i, s: score(c, query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.c);
}
