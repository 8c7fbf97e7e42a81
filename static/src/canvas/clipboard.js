// The node clipboard: kept in memory and in localStorage so copy/paste also works across tabs.
const KEY = 'designer-clipboard';
let memory = null;

export function writeClipboard(fragment) {
  memory = fragment;
  try {
    localStorage.setItem(KEY, JSON.stringify(fragment));
  } catch {
    // Storage may be full or disabled; the in-memory copy still works in this tab.
  }
}

export function readClipboard() {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored) return JSON.parse(stored);
  } catch {
    // Fall back to this tab's copy.
  }
  return memory;
}
