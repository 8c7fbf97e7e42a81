// The keyboard shortcut sheet (press ? or the help button).
import { Fragment } from 'react';
import { Dialog } from './Dialog.jsx';

// Each entry: what it does, then key combinations (arrays of keys) or a plain-words gesture.
const SHORTCUTS = [
  ['Add a component', 'Drag it from the palette, or double-click the canvas'],
  ['Connect two nodes', 'Drag from an output port (right) to an input port (left)'],
  ['Select several nodes', [['Shift', 'drag']], 'or Ctrl + click'],
  ['Delete the selection', [['Delete'], ['Backspace']]],
  ['Copy / paste', [['Ctrl', 'C'], ['Ctrl', 'V']]],
  ['Duplicate', [['Ctrl', 'D']]],
  ['Select all', [['Ctrl', 'A']]],
  ['Undo', [['Ctrl', 'Z']]],
  ['Redo', [['Ctrl', 'Shift', 'Z'], ['Ctrl', 'Y']]],
  ['Node actions (run to here…)', 'Right-click a node'],
  ['Open an output', 'Click an output port after a run'],
  ['Pan / zoom', 'Drag the background / scroll'],
  ['Clear selection, close menus', [['Esc']]],
  ['Show this help', [['?']]],
];

function Keys({ combos, note }) {
  if (typeof combos === 'string') return <span className="muted">{combos}</span>;
  return (
    <span className="key-combos">
      {combos.map((combo, i) => (
        <Fragment key={combo.join('+')}>
          {i > 0 && <span className="muted"> or </span>}
          {combo.map((key, j) => (
            <Fragment key={key}>{j > 0 && <span className="key-plus">+</span>}<kbd>{key}</kbd></Fragment>
          ))}
        </Fragment>
      ))}
      {note && <span className="muted"> {note}</span>}
    </span>
  );
}

export function HelpOverlay({ onClose }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="help-overlay" wide>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map(([what, combos, note]) => (
            <tr key={what}><td>{what}</td><td><Keys combos={combos} note={note} /></td></tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Every edit is saved automatically. On macOS use ⌘ instead of Ctrl.</p>
    </Dialog>
  );
}
