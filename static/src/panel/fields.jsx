// Form widgets generated from a parameter spec: number, choice, bool, text, column(s), code.
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../ui/Dialog.jsx';

export function NumberField({ param, value, onChange, testId, disabled, quiet }) {
  const [text, setText] = useState(value === undefined || value === null ? '' : String(value));
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    const parsed = text.trim() === '' ? null : Number(text);
    if (parsed !== value && !(parsed === null && (value === undefined || value === null))) {
      setText(value === undefined || value === null ? '' : String(value));
      setProblem(null);
    }
    // Only an outside change of the value (undo, reload) rewrites the text being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  const onText = (event) => {
    const next = event.target.value;
    setText(next);
    if (next.trim() === '') { setProblem('Enter a number'); return; }
    const number = Number(next);
    if (!Number.isFinite(number)) { setProblem('Not a number'); return; }
    if (param.type === 'int' && !Number.isInteger(number)) { setProblem('Must be a whole number'); return; }
    if (param.min !== undefined && param.min !== null && number < param.min) setProblem(`Must be ≥ ${param.min}`);
    else if (param.max !== undefined && param.max !== null && number > param.max) setProblem(`Must be ≤ ${param.max}`);
    else setProblem(null);
    onChange(number);
  };
  return (
    <>
      <input type="number" className={`input${problem ? ' input-invalid' : ''}`} value={text} onChange={onText} data-testid={testId}
        min={param.min ?? undefined} max={param.max ?? undefined} step={param.type === 'int' ? 1 : 'any'} disabled={disabled} />
      {problem && !quiet && <div className="field-problem">{problem}</div>}
    </>
  );
}

export function ChoiceField({ param, value, onChange, testId, disabled }) {
  const choices = param.choices || [];
  const known = choices.some((c) => c === value);
  return (
    <select className="input" value={known ? String(value) : ''} data-testid={testId} disabled={disabled}
      onChange={(e) => onChange(choices.find((c) => String(c) === e.target.value))}>
      {!known && <option value="">{value === undefined || value === null ? '— choose —' : String(value)}</option>}
      {choices.map((c) => <option key={String(c)} value={String(c)}>{String(c)}</option>)}
    </select>
  );
}

export function BoolField({ value, onChange, testId, disabled, label }) {
  return (
    <label className="switch">
      <input type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} data-testid={testId} disabled={disabled} />
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      <span className="switch-label">{value ? 'On' : 'Off'}</span>
      <span className="sr-only">{label}</span>
    </label>
  );
}

export function TextField({ value, onChange, testId, disabled, placeholder, multiline }) {
  const text = value === undefined || value === null ? '' : String(value);
  if (multiline) {
    return <textarea className="input textarea" rows={4} value={text} placeholder={placeholder} data-testid={testId}
      disabled={disabled} onChange={(e) => onChange(e.target.value)} />;
  }
  return <input type="text" className="input" value={text} placeholder={placeholder} data-testid={testId}
    disabled={disabled} onChange={(e) => onChange(e.target.value)} />;
}

export function ColumnField({ value, onChange, testId, disabled, columns }) {
  const text = value === undefined || value === null ? '' : String(value);
  const [typing, setTyping] = useState(false);
  if (!columns || !columns.length || typing) {
    return (
      <>
        <input type="text" className="input" value={text} data-testid={testId} disabled={disabled}
          placeholder="Column name" title={columns && columns.length ? undefined : 'The upstream columns are known once an input is connected (or after a run, for data read from files)'}
          onChange={(e) => onChange(e.target.value)} />
        {columns && columns.length > 0 && <button type="button" className="link-btn" onClick={() => setTyping(false)}>Pick from list</button>}
      </>
    );
  }
  return (
    <select className="input" value={text} data-testid={testId} disabled={disabled}
      onChange={(e) => (e.target.value === '\u0000other' ? setTyping(true) : onChange(e.target.value))}>
      <option value="">— none —</option>
      {text && !columns.includes(text) && <option value={text}>{text} (not upstream)</option>}
      {columns.map((c) => <option key={c} value={c}>{c}</option>)}
      <option value={'\u0000other'}>Type another name…</option>
    </select>
  );
}

export function ColumnsField({ value, onChange, testId, disabled, columns }) {
  const text = value === undefined || value === null ? '' : String(value);
  const chosen = text.split(',').map((s) => s.trim()).filter(Boolean);
  const toggle = (column) => {
    const next = chosen.includes(column) ? chosen.filter((c) => c !== column) : [...chosen, column];
    onChange(next.join(','));
  };
  return (
    <>
      <input type="text" className="input" value={text} placeholder="col_a, col_b (empty = all)" data-testid={testId}
        disabled={disabled} onChange={(e) => onChange(e.target.value)} />
      {columns && columns.length > 0 && (
        <div className="chip-list">
          {columns.map((c) => (
            <button key={c} type="button" className={`chip${chosen.includes(c) ? ' chip-on' : ''}`} disabled={disabled}
              onClick={() => toggle(c)} aria-pressed={chosen.includes(c)}>{c}</button>
          ))}
        </div>
      )}
    </>
  );
}

function CodeArea({ value, onChange, testId, disabled, rows }) {
  const area = useRef(null);
  const pending = useRef(null);
  const text = value === undefined || value === null ? '' : String(value);
  useEffect(() => {
    if (pending.current !== null && area.current) {
      area.current.selectionStart = pending.current;
      area.current.selectionEnd = pending.current;
      pending.current = null;
    }
  }, [text]);
  const onKeyDown = (event) => {
    if (event.key !== 'Tab' || event.shiftKey) return;
    event.preventDefault();
    const el = event.target;
    const { selectionStart: start, selectionEnd: end } = el;
    pending.current = start + 4;
    onChange(`${text.slice(0, start)}    ${text.slice(end)}`);
  };
  return (
    <textarea ref={area} className="input code-editor" spellCheck={false} rows={rows} value={text} data-testid={testId}
      disabled={disabled} onKeyDown={onKeyDown} onChange={(e) => onChange(e.target.value)} />
  );
}

/** A monospace editor (Tab inserts four spaces) with a larger editor in a dialog. */
export function CodeField({ value, onChange, testId, disabled }) {
  const [large, setLarge] = useState(false);
  return (
    <>
      <CodeArea value={value} onChange={onChange} testId={testId} disabled={disabled} rows={12} />
      <button type="button" className="link-btn" onClick={() => setLarge(true)} data-testid={`${testId}-expand`}>Open larger editor</button>
      {large && (
        <Dialog title="Edit code" wide onClose={() => setLarge(false)}
          footer={<button type="button" className="btn btn-primary" onClick={() => setLarge(false)}>Done</button>}>
          <CodeArea value={value} onChange={onChange} disabled={disabled} rows={26} />
        </Dialog>
      )}
    </>
  );
}
