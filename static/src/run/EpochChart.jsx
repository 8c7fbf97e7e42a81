// Per-epoch training metrics (node.metrics events) as a live line chart: loss, val_loss, accuracy…
import { useMemo } from 'react';
import { LineChart } from '../charts/LineChart.jsx';

export function EpochChart({ events }) {
  const series = useMemo(() => {
    const withEpoch = (events || []).map((e, i) => ({ ...e, epoch: e.epoch ?? e.step ?? i + 1 }));
    const names = [];
    withEpoch.forEach((e) => Object.entries(e).forEach(([k, v]) => {
      if (k !== 'epoch' && k !== 'step' && typeof v === 'number' && !names.includes(k)) names.push(k);
    }));
    return names.map((name) => ({
      label: name,
      points: withEpoch.filter((e) => typeof e[name] === 'number').map((e) => ({ x: e.epoch, y: e[name] })),
      dashed: name.startsWith('val_'),
    }));
  }, [events]);
  if (!series.length) return null;
  return <LineChart series={series} xLabel="epoch" height={190} integerX testId="epoch-chart" />;
}
