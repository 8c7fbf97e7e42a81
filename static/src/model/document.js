// The graph document (designer-graph/1) and every edit to it, as pure functions over plain data.
// React Flow nodes and edges are derived from this; nothing here knows about the UI.

export const FORMAT = 'designer-graph/1';

export function emptyDocument(name = 'Untitled pipeline') {
  return { format: FORMAT, name, description: '', parameters: [], default_compute: 'local', nodes: [], edges: [] };
}

/** Make a fetched or imported document safe to edit: every list present (layout.js places nodes). */
export function normaliseDocument(doc) {
  const out = { ...emptyDocument(''), ...doc };
  out.format = FORMAT;
  out.parameters = Array.isArray(doc.parameters) ? doc.parameters : [];
  out.edges = Array.isArray(doc.edges) ? doc.edges : [];
  out.nodes = (Array.isArray(doc.nodes) ? doc.nodes : []).map((node) => (node.params ? node : { ...node, params: {} }));
  return out;
}

/** A fresh node id for a component: "split-data-1", "split-data-2", ... skipping ids in use. */
export function freshNodeId(doc, componentId, taken = new Set()) {
  const used = new Set([...doc.nodes.map((n) => n.id), ...taken]);
  for (let n = 1; ; n += 1) {
    const id = `${componentId}-${n}`;
    if (!used.has(id)) return id;
  }
}

export function defaultParams(spec) {
  const params = {};
  for (const p of (spec && spec.params) || []) {
    if (p.default !== undefined && p.default !== null) params[p.name] = p.default;
  }
  return params;
}

const roundPosition = (p) => ({ x: Math.round(p.x), y: Math.round(p.y) });

export function addNode(doc, spec, position, id = freshNodeId(doc, spec.id), params = undefined) {
  const node = { id, component: spec.id, params: { ...defaultParams(spec), ...(params || {}) }, position: roundPosition(position) };
  return { ...doc, nodes: [...doc.nodes, node] };
}

/** Move nodes; the edges at a moved node lose their laid-out route (they are drawn as curves). */
export function moveNodes(doc, positions) {
  const touches = (e) => positions[e.source] || positions[e.target];
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: roundPosition(positions[n.id]) } : n)),
    edges: doc.edges.some((e) => e.route && touches(e))
      ? doc.edges.map((e) => (e.route && touches(e) ? withoutRoute(e) : e))
      : doc.edges,
  };
}

function withoutRoute(edge) {
  const { route: _route, ...rest } = edge;
  return rest;
}

export const edgeKey = (e) => `${e.source}:${e.source_port}->${e.target}:${e.target_port}`;

export function removeElements(doc, nodeIds, edgeKeys = []) {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeKeys);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !nodes.has(e.source) && !nodes.has(e.target) && !edges.has(edgeKey(e))),
  };
}

export function updateNode(doc, nodeId, change) {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? change(n) : n)) };
}

export function setParam(doc, nodeId, name, value) {
  return updateNode(doc, nodeId, (n) => ({ ...n, params: { ...n.params, [name]: value } }));
}

export function setComment(doc, nodeId, comment) {
  return updateNode(doc, nodeId, (n) => {
    const next = { ...n };
    if (comment) next.comment = comment;
    else delete next.comment;
    return next;
  });
}

export function setNodeCompute(doc, nodeId, compute) {
  return updateNode(doc, nodeId, (n) => {
    const next = { ...n };
    if (compute) next.compute = compute;
    else delete next.compute;
    return next;
  });
}

export function portType(spec, direction, port) {
  const list = spec ? (direction === 'in' ? spec.inputs : spec.outputs) : [];
  const found = (list || []).find((p) => p.name === port);
  return found ? found.type : null;
}

/**
 * Why an edge may not be drawn, or null when it may. Mirrors the server's rule:
 * types must match or the target is Any; an input takes at most one edge.
 */
export function connectionProblem(doc, specOf, { source, sourcePort, target, targetPort }) {
  if (!source || !target || !sourcePort || !targetPort) return 'Connect an output port to an input port.';
  if (source === target) return 'A node cannot feed itself.';
  const sourceNode = doc.nodes.find((n) => n.id === source);
  const targetNode = doc.nodes.find((n) => n.id === target);
  if (!sourceNode || !targetNode) return 'That node no longer exists.';
  const from = portType(specOf(sourceNode.component), 'out', sourcePort);
  const to = portType(specOf(targetNode.component), 'in', targetPort);
  if (!from || !to) return 'Connect an output port (right) to an input port (left).';
  if (to !== 'Any' && from !== to) return `Type mismatch: ${source}.${sourcePort} gives ${from}, but ${target}.${targetPort} needs ${to}.`;
  if (doc.edges.some((e) => e.target === target && e.target_port === targetPort)) {
    return `Input ${target}.${targetPort} is already connected; an input takes one edge. Delete that edge first.`;
  }
  if (reaches(doc, target, source)) return 'That edge would make a cycle.';
  return null;
}

function reaches(doc, from, to) {
  const seen = new Set();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop();
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    doc.edges.forEach((e) => e.source === id && stack.push(e.target));
  }
  return false;
}

export function connect(doc, edge) {
  return { ...doc, edges: [...doc.edges, edge] };
}

/** The edge that feeds a node's input port, if any. */
export function edgeInto(doc, nodeId, port) {
  return doc.edges.find((e) => e.target === nodeId && e.target_port === port) || null;
}

/** Copy a set of nodes (and the edges among them) into a clipboard fragment. */
export function fragmentOf(doc, nodeIds) {
  const ids = new Set(nodeIds);
  return {
    nodes: doc.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e })),
  };
}

/** Paste a fragment with fresh ids, shifted by `offset`; returns [doc, newIds]. */
export function pasteFragment(doc, fragment, offset = { x: 40, y: 40 }) {
  const renamed = {};
  const taken = new Set();
  const nodes = fragment.nodes.map((n) => {
    const id = freshNodeId(doc, n.component, taken);
    taken.add(id);
    renamed[n.id] = id;
    const pos = n.position || { x: 0, y: 0 };
    return { ...structuredClone(n), id, position: roundPosition({ x: pos.x + offset.x, y: pos.y + offset.y }) };
  });
  const edges = fragment.edges
    .filter((e) => renamed[e.source] && renamed[e.target])
    .map((e) => ({ ...e, source: renamed[e.source], target: renamed[e.target] }));
  return [{ ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, nodes.map((n) => n.id)];
}

export const isParamRef = (value) => value !== null && typeof value === 'object' && typeof value.$param === 'string';

function uniqueParamName(doc, wanted) {
  const names = new Set(doc.parameters.map((p) => p.name));
  if (!names.has(wanted)) return wanted;
  for (let n = 2; ; n += 1) if (!names.has(`${wanted}_${n}`)) return `${wanted}_${n}`;
}

/** Turn a node parameter into a pipeline parameter; returns [doc, parameterName]. */
export function promoteParam(doc, nodeId, paramSpec, currentValue) {
  const name = uniqueParamName(doc, paramSpec.name);
  const value = currentValue === undefined ? paramSpec.default : currentValue;
  const type = paramSpec.kind === 'dataset' ? 'dataset' : paramSpec.type;
  const parameter = { name, type, default: value === undefined ? null : value };
  const withParam = { ...doc, parameters: [...doc.parameters, parameter] };
  return [setParam(withParam, nodeId, paramSpec.name, { $param: name }), name];
}

/** Replace a {$param} link by the pipeline parameter's current default. */
export function unlinkParam(doc, nodeId, name) {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const ref = node && node.params[name];
  const parameter = isParamRef(ref) && doc.parameters.find((p) => p.name === ref.$param);
  return setParam(doc, nodeId, name, parameter ? parameter.default : null);
}

export function updateParameter(doc, index, change) {
  return { ...doc, parameters: doc.parameters.map((p, i) => (i === index ? { ...p, ...change } : p)) };
}

/** Remove a pipeline parameter; nodes linked to it get its default back as a literal. */
export function removeParameter(doc, index) {
  const parameter = doc.parameters[index];
  const nodes = doc.nodes.map((n) => {
    const params = { ...n.params };
    let changed = false;
    for (const [key, value] of Object.entries(params)) {
      if (isParamRef(value) && value.$param === parameter.name) {
        params[key] = parameter.default;
        changed = true;
      }
    }
    return changed ? { ...n, params } : n;
  });
  return { ...doc, nodes, parameters: doc.parameters.filter((_, i) => i !== index) };
}

/** Rename a pipeline parameter and every {$param} that points at it. */
export function renameParameter(doc, index, newName) {
  const old = doc.parameters[index].name;
  const nodes = doc.nodes.map((n) => {
    const params = { ...n.params };
    for (const [key, value] of Object.entries(params)) {
      if (isParamRef(value) && value.$param === old) params[key] = { $param: newName };
    }
    return { ...n, params };
  });
  return { ...updateParameter({ ...doc, nodes }, index, { name: newName }) };
}

export function addParameter(doc) {
  const name = uniqueParamName(doc, 'parameter');
  return { ...doc, parameters: [...doc.parameters, { name, type: 'str', default: '' }] };
}
