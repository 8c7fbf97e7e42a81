// The confusion matrix as a heat-map grid: rows are true labels, columns predicted labels.

export function ConfusionMatrix({ labels, matrix }) {
  const max = Math.max(1, ...matrix.flat().map((v) => Number(v) || 0));
  return (
    <div className="confusion" data-testid="confusion-matrix">
      <div className="confusion-axis-y">True label</div>
      <div>
        <table className="confusion-grid">
          <thead>
            <tr>
              <th aria-label="true \ predicted" />
              {labels.map((l) => <th key={String(l)} className="confusion-col" title={String(l)}>{String(l)}</th>)}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => (
              <tr key={String(labels[i] ?? i)}>
                <th className="confusion-row" title={String(labels[i])}>{String(labels[i] ?? i)}</th>
                {row.map((value, j) => {
                  const share = (Number(value) || 0) / max;
                  const diagonal = i === j;
                  const hue = diagonal ? '79, 70, 229' : '220, 38, 38';
                  return (
                    <td key={j} className="confusion-cell" title={`true ${labels[i]} → predicted ${labels[j]}: ${value}`}
                      style={{ background: `rgba(${hue}, ${0.08 + share * 0.82})`, color: share > 0.55 ? '#fff' : '#0f172a' }}>
                      {value}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="confusion-axis-x">Predicted label</div>
      </div>
    </div>
  );
}
