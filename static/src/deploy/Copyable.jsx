// Values meant to leave the app: a copy button, a code sample with its own copy button, and a
// key that is shown once (then only a note on how to get a new one).
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../ui/icons.jsx';

/** Copies text; falls back to a hidden textarea where the async clipboard is unavailable (plain http). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', testId, small = true }) {
  const [state, setState] = useState(null); // null | 'copied' | 'failed'
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    setState((await copyText(text)) ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState(null), 1600);
  };
  return (
    <button type="button" className={`btn${small ? ' btn-small' : ''} copy-btn`} onClick={copy} data-testid={testId}
      aria-label={`${label}${state === 'copied' ? ' (copied)' : ''}`}>
      <Icon name={state === 'copied' ? 'check' : 'copy'} size={13} />
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}
    </button>
  );
}

/** A titled block of code, wrapped, with a copy button in its corner. */
export function CodeBlock({ title, code, testId, note }) {
  return (
    <div className="code-sample">
      <div className="code-sample-head">
        <span className="code-sample-title">{title}</span>
        {note && <span className="muted small">{note}</span>}
        <span className="header-spacer" />
        <CopyButton text={code} testId={testId ? `${testId}-copy` : undefined} />
      </div>
      <pre className="code-sample-body" data-testid={testId}>{code}</pre>
    </div>
  );
}

/**
 * The key of an endpoint or published pipeline: the value and a copy button while it is shown
 * (right after it was made or rotated), afterwards a note that only rotation gives a new one.
 */
export function SecretValue({ secret, testId }) {
  if (!secret) {
    return (
      <span className="secret-hidden" data-testid={testId} data-shown="false">
        <Icon name="key" size={13} /> Hidden — rotate to get a new one
      </span>
    );
  }
  return (
    <span className="secret-shown">
      <code className="secret-value" data-testid={testId} data-shown="true">{secret}</code>
      <CopyButton text={secret} testId={`${testId}-copy`} />
    </span>
  );
}

/** The yellow note under a freshly shown key. */
export function ShownOnceNote() {
  return (
    <div className="shown-once-note" data-testid="key-shown-once">
      <Icon name="alert" size={14} />
      <span>Copy this key now: it is shown only this once. The server keeps only its hash, so leaving this page hides it
        for good (rotate the key to get a new one).</span>
    </div>
  );
}

/** The REST URL (with a copy button) and the key of an endpoint or published pipeline, as two rows of a kv-grid. */
export function UrlAndKey({ url, secret, testId }) {
  return (
    <>
      <span className="muted">REST endpoint</span>
      <span className="secret-shown">
        <code className="url-value" data-testid={`${testId}-url`}>{url}</code>
        <CopyButton text={url} testId={`${testId}-url-copy`} />
      </span>
      <span className="muted">Key</span>
      <SecretValue secret={secret} testId={`${testId}-key`} />
    </>
  );
}
