// Whether a one-line label on a node card may be too wide for its room, so only those labels are
// cut with an ellipsis. Cutting needs `overflow: hidden`, and each clip is one more piece Chromium
// composites on every frame of a drag: a 300-node pipeline has ~1,000 port labels and ids, and a
// clip on all of them made each mouse move of a drag cost milliseconds more.
import { NODE_WIDTH } from '../model/layout.js';

// A port label's column: half the card less its border, side padding (14px) and the gap (8px).
export const PORT_LABEL_ROOM = (NODE_WIDTH - 2 - 2 * 14 - 8) / 2;
// The node id under the title: the card less its border and header padding, less the status
// badge when one is shown (the widest, "cancelled", is ~100px with its gap).
export const ID_ROOM = NODE_WIDTH - 2 - 22;
export const ID_ROOM_WITH_STATUS = ID_ROOM - 108;
// Measured widths are of the fonts this browser has; this much slack covers rounding and a late font.
const SLACK = 6;

const widths = new Map();
let context;
let fonts;

function cssFonts() {
  const root = getComputedStyle(document.documentElement);
  const family = (name, fallback) => root.getPropertyValue(name).trim() || fallback;
  return { sans: family('--font', 'sans-serif'), mono: family('--mono', 'monospace') };
}

/** The width in px of `text` in a CSS `font` (e.g. "italic 11px sans-serif"), or null without a canvas. */
function textWidth(text, font) {
  const key = `${font}\u0000${text}`;
  if (widths.has(key)) return widths.get(key);
  if (context === undefined) {
    context = typeof document !== 'undefined' && document.createElement('canvas').getContext('2d');
  }
  if (!context) return null;
  context.font = font;
  const width = context.measureText(text).width;
  widths.set(key, width);
  return width;
}

/** True unless `text` surely fits in `room` px (unknown widths are treated as too wide). */
export function mayOverflow(text, room, { size = 11, italic = false, mono = false } = {}) {
  if (!fonts) fonts = typeof document !== 'undefined' ? cssFonts() : { sans: 'sans-serif', mono: 'monospace' };
  const width = textWidth(String(text), `${italic ? 'italic ' : ''}${size}px ${mono ? fonts.mono : fonts.sans}`);
  return width === null || width > room - SLACK;
}

/** The class of a port label: `port-label`, plus `clip` (ellipsis) when the name may not fit its column. */
export function portLabelClass(name, optional = false) {
  return mayOverflow(name, PORT_LABEL_ROOM, { italic: optional }) ? 'port-label clip' : 'port-label';
}

/** The class of the id line under a node's title, clipped only when it may not fit beside the status. */
export function nodeIdClass(text, withStatus) {
  return mayOverflow(text, withStatus ? ID_ROOM_WITH_STATUS : ID_ROOM, { size: 10.5, mono: true })
    ? 'pnode-id clip' : 'pnode-id';
}
