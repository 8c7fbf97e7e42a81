// Per-epoch training metrics (node.metrics events) as a live line chart: loss, val_loss, accuracy…
import { useMemo } from 'react';
import { LineChart, SERIES_COLOURS } from '../charts/LineChart.jsx';

export function EpochChart({ events }) {
  const series = useMemo(() => {
    const withEpoch = (events || []).map((e, i) => ({ ...e, epoch: e.epoch ?? e.step ?? i + 1 }));
    const names = [];
    withEpoch.forEach((e) => Object.entries(e).forEach(([k, v]) => {
      if (k !== 'epoch' && k !== 'step' && typeof v === 'number' && !names.includes(k)) names.push(k);
    }));
    // A metric and its validation twin share a colour (val_ dashed), the same in every chart.
    const bases = [];
    names.forEach((n) => { const base = n.replace(/^val_/, ''); if (!bases.includes(base)) bases.push(base); });
    bases.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
    return names.map((name) => ({
      label: name,
      color: SERIES_COLOURS[bases.indexOf(name.replace(/^val_/, '')) % SERIES_COLOURS.length],
      points: withEpoch.filter((e) => typeof e[name] === 'number').map((e) => ({ x: e.epoch, y: e[name] })),
      dashed: name.startsWith('val_'),
    }));
  }, [events]);
  if (!series.length) return null;
  return <LineChart series={series} xLabel="epoch" height={190} integerX testId="epoch-chart" />;
}
