// A small Chart.js line/scatter chart: series of {x, y} points on linear axes, updated in place.
import { useEffect, useRef } from 'react';
import {
  Chart, LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler);

export const SERIES_COLOURS = ['#4f46e5', '#f59e0b', '#16a34a', '#db2777', '#0891b2', '#9333ea', '#dc2626'];

function datasetsOf(series, scatter) {
  return series.map((s, i) => {
    const colour = s.color || SERIES_COLOURS[i % SERIES_COLOURS.length];
    return {
      label: s.label,
      data: s.points,
      borderColor: colour,
      backgroundColor: scatter ? `${colour}99` : colour,
      borderWidth: 2,
      borderDash: s.dashed ? [5, 4] : undefined,
      pointRadius: scatter ? 2.5 : (s.points.length > 15 ? 0 : 2.5),
      tension: 0.15,
      showLine: !scatter || Boolean(s.line),
      fill: false,
    };
  });
}

export function LineChart({ series, xLabel, yLabel, height = 220, scatter = false, square = false, xMin, xMax, yMin, yMax, integerX = false, testId }) {
  const canvas = useRef(null);
  const chart = useRef(null);

  useEffect(() => {
    chart.current = new Chart(canvas.current, {
      type: scatter ? 'scatter' : 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: (${fmt(ctx.parsed.x)}, ${fmt(ctx.parsed.y)})` } },
        },
        scales: {
          x: { type: 'linear', title: { display: Boolean(xLabel), text: xLabel }, grid: { color: '#eef1f5' }, ticks: { font: { size: 11 }, precision: integerX ? 0 : undefined } },
          y: { type: 'linear', title: { display: Boolean(yLabel), text: yLabel }, grid: { color: '#eef1f5' }, ticks: { font: { size: 11 } } },
        },
      },
    });
    return () => chart.current.destroy();
  }, [scatter, xLabel, yLabel, integerX]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.datasets = datasetsOf(series, scatter);
    Object.assign(c.options.scales.x, { min: xMin, max: xMax });
    Object.assign(c.options.scales.y, { min: yMin, max: yMax });
    c.update('none');
  }, [series, scatter, xMin, xMax, yMin, yMax]);

  return (
    <div className={`chart-box${square ? ' chart-square' : ''}`} style={{ height }} data-testid={testId}>
      <canvas ref={canvas} />
    </div>
  );
}

function fmt(v) {
  return typeof v === 'number' ? Number(v.toFixed(4)) : v;
}
