// Blue/green on the endpoint page: the deployments behind one endpoint, where each came from, and its share of requests.
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { workspaceApi } from '../api/workspace.js';
import { graphHref, modelHref } from '../ui/router.js';
import { useToast } from '../ui/toast.jsx';

export function primaryDeployment(deployment) {
  if (!deployment || deployment.kind !== 'split') return deployment;
  return deployment.deployments.reduce((best, d) => (d.traffic > best.traffic ? d : best), deployment.deployments[0]);
}

export function TrafficCard({ name, deployment, onChanged }) {
  const toast = useToast();
  const [shares, setShares] = useState(() => Object.fromEntries(deployment.deployments.map((d) => [d.name, d.traffic])));
  const total = Object.values(shares).reduce((a, b) => a + (Number(b) || 0), 0);
  const dirty = deployment.deployments.some((d) => Number(shares[d.name]) !== d.traffic);

  const save = async () => {
    try {
      await workspaceApi.setTraffic(name, Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, Number(v) || 0])));
      toast('Traffic updated', 'success', 1500);
      onChanged();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  return (
    <section className="card" data-testid="traffic-card">
      <div className="section-title-row">
        <span className="section-title">Deployments and traffic</span>
        <span className="muted small">each request goes to one deployment, chosen by these shares</span>
      </div>
      <table className="data-table compact">
        <thead><tr><th>Deployment</th><th>Serves</th><th className="num">Traffic %</th></tr></thead>
        <tbody>
          {deployment.deployments.map((d) => (
            <tr key={d.name} data-testid={`deployment-${d.name}`}>
              <td className="mono strong">{d.name}</td>
              <td>{d.kind === 'entry-script'
                ? <>model <a href={modelHref(...(d.model || '').split(':'))}>{d.model}</a> with its entry script</>
                : <a href={graphHref(d.graph_id)}>graph, revision {d.revision}</a>}</td>
              <td className="num">
                <input className="input traffic-input" type="number" min={0} max={100} value={shares[d.name]}
                  aria-label={`Traffic of ${d.name}`} onChange={(e) => setShares((s) => ({ ...s, [d.name]: e.target.value }))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row gap-8 traffic-actions">
        <span className={`small ${total === 100 ? 'muted' : 'problem'}`}>Total {total}%{total === 100 ? '' : ' — must be 100%'}</span>
        <button type="button" className="btn btn-small btn-primary" disabled={!dirty || total !== 100} onClick={save} data-testid="btn-save-traffic">Save traffic</button>
      </div>
    </section>
  );
}
