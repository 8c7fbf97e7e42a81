// Undo/redo over whole documents: every edit is one step, except keystrokes into the same field,
// which merge into the step before so that one Ctrl+Z undoes a word, not a letter.

const LIMIT = 200;
const MERGE_WINDOW_MS = 1500;

export const initialHistory = (doc) => ({ past: [], present: doc, future: [], lastKey: null, lastAt: 0, lastValue: undefined });

/** True when `b` is `a` with exactly one character added or removed (i.e. typing). */
function isOneKeystroke(a, b) {
  if (a === undefined || b === undefined || a === null || b === null) return false;
  const x = String(a);
  const y = String(b);
  if (Math.abs(x.length - y.length) !== 1) return false;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i += 1;
  return short.slice(i) === long.slice(i + 1);
}

export function historyReducer(state, action) {
  switch (action.type) {
    case 'edit': {
      const next = action.change(state.present);
      if (next === state.present) return state;
      const now = Date.now();
      const merge = action.key && action.key === state.lastKey && now - state.lastAt < MERGE_WINDOW_MS
        && isOneKeystroke(state.lastValue, action.value);
      const past = merge ? state.past : [...state.past, state.present].slice(-LIMIT);
      return { past, present: next, future: [], lastKey: action.key || null, lastAt: now, lastValue: action.value };
    }
    case 'undo': {
      if (!state.past.length) return state;
      const previous = state.past[state.past.length - 1];
      return { ...state, past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future], lastKey: null };
    }
    case 'redo': {
      if (!state.future.length) return state;
      const [next, ...rest] = state.future;
      return { ...state, past: [...state.past, state.present], present: next, future: rest, lastKey: null };
    }
    case 'reset':
      return initialHistory(action.doc);
    default:
      return state;
  }
}
