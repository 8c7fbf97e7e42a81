// Plain text with `backtick` spans shown as inline code — rendered as React text, never as HTML.

export function RichText({ text }) {
  const parts = String(text || '').split('`');
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 && i < parts.length - 1
        ? <code key={i} className="inline-code">{part}</code>
        : <span key={i}>{i % 2 === 1 ? `\`${part}` : part}</span>))}
    </>
  );
}
