// An edge drawn along the route the layout gave it (around nodes, never behind one); once either
// end has been moved away from where the layout put it, a plain curve instead.
import { memo } from 'react';
import { BaseEdge, getBezierPath } from '@xyflow/react';

// How far an end may sit from the route's first or last bend and the route still be followed.
const DRIFT = 14;
const CORNER = 8;

/** The SVG path through `points` with rounded corners, or null when the route no longer fits its ends. */
export function routedPath(sourceX, sourceY, targetX, targetY, route) {
  if (!route || !route.length) return null;
  const first = route[0];
  const last = route[route.length - 1];
  if (Math.abs(first.y - sourceY) > DRIFT || Math.abs(last.y - targetY) > DRIFT
    || first.x < sourceX - 2 || last.x > targetX + 2) return null;
  // The route's first and last legs are horizontal: keep them level with the handles.
  const bends = route.map((p) => ({ ...p }));
  bends[0].y = sourceY;
  bends[bends.length - 1].y = targetY;
  if (bends.length === 1) bends.push({ x: bends[0].x, y: targetY });
  const points = [{ x: sourceX, y: sourceY }, ...bends, { x: targetX, y: targetY }];
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i += 1) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(CORNER, distance(a, b) / 2, distance(b, c) / 2);
    const into = toward(b, a, r);
    const out = toward(b, c, r);
    d += ` L ${into.x} ${into.y} Q ${b.x} ${b.y} ${out.x} ${out.y}`;
  }
  const end = points[points.length - 1];
  return `${d} L ${end.x} ${end.y}`;
}

function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function toward(from, to, length) {
  const d = distance(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}

function RoutedEdgeView({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, style, markerEnd, interactionWidth }) {
  const routed = routedPath(sourceX, sourceY, targetX, targetY, data && data.route);
  const path = routed || getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })[0];
  return <BaseEdge path={path} style={style} markerEnd={markerEnd} interactionWidth={interactionWidth} />;
}

export const RoutedEdge = memo(RoutedEdgeView);
