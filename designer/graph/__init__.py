"""The graph core: documents, validation, parameters and run plans, as plain functions over plain data."""
from designer.graph.document import Edge, Graph, Node, PipelineParameter, load_graph, read_graph_file
from designer.graph.validation import Problem, validate

__all__ = ["Edge", "Graph", "Node", "PipelineParameter", "Problem", "load_graph", "read_graph_file", "validate"]
