// The app shell: picks the page for the current hash route.
import { Suspense, lazy } from 'react';
import { ToastProvider } from './ui/toast.jsx';
import { useRoute } from './ui/router.js';
import { PipelinesPage } from './pages/PipelinesPage.jsx';
import { EditorPage } from './pages/EditorPage.jsx';
import { RunPage } from './pages/RunPage.jsx';
import { EndpointsPage } from './pages/EndpointsPage.jsx';
import { EndpointPage } from './pages/EndpointPage.jsx';
import { PublishedPage } from './pages/PublishedPage.jsx';
import { PublishedPipelinePage } from './pages/PublishedPipelinePage.jsx';
import { SchedulesPage } from './pages/SchedulesPage.jsx';
import { DataPage } from './pages/DataPage.jsx';
import { DatasetPage } from './pages/DatasetPage.jsx';
import { ModelsPage } from './pages/ModelsPage.jsx';
import { ModelPage } from './pages/ModelPage.jsx';
import { RunsPage } from './pages/RunsPage.jsx';
import { ComparePage } from './pages/ComparePage.jsx';
import { RevisionPage } from './pages/RevisionPage.jsx';
import { AccessPage } from './pages/AccessPage.jsx';
import { SweepsPage } from './pages/SweepsPage.jsx';

// The sweep page brings ECharts: load it when a sweep is opened.
const SweepPage = lazy(() => import('./pages/SweepPage.jsx').then((m) => ({ default: m.SweepPage })));

export function App() {
  const route = useRoute();
  return (
    <ToastProvider>
      {route.page === 'graph' && <EditorPage key={route.graphId} graphId={route.graphId} />}
      {route.page === 'run' && <RunPage key={route.runId} runId={route.runId} />}
      {route.page === 'pipelines' && <PipelinesPage />}
      {route.page === 'endpoints' && <EndpointsPage />}
      {route.page === 'endpoint' && <EndpointPage key={route.name} name={route.name} />}
      {route.page === 'published' && <PublishedPage />}
      {route.page === 'schedules' && <SchedulesPage />}
      {route.page === 'data' && <DataPage datastore={route.datastore} prefix={route.prefix} />}
      {route.page === 'dataset' && <DatasetPage key={route.name} name={route.name} version={route.version} />}
      {route.page === 'sweeps' && <SweepsPage />}
      {route.page === 'sweep' && <Suspense fallback={null}><SweepPage key={route.sweepId} sweepId={route.sweepId} /></Suspense>}
      {route.page === 'published-pipeline' && <PublishedPipelinePage key={route.pipelineId} pipelineId={route.pipelineId} />}
      {route.page === 'models' && <ModelsPage />}
      {route.page === 'model' && <ModelPage key={route.name} name={route.name} version={route.version} />}
      {route.page === 'runs' && <RunsPage />}
      {route.page === 'revision' && <RevisionPage key={`${route.graphId}@${route.revision}`} graphId={route.graphId} revision={route.revision} />}
      {route.page === 'compare' && <ComparePage key={route.runIds.join(',')} runIds={route.runIds} />}
      {route.page === 'access' && <AccessPage />}
    </ToastProvider>
  );
}
