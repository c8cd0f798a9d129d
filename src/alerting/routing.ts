// The routing tree (Alertmanager semantics): depth-first, the first matching child wins unless it
// says `continue: true`; when no child matches, the node itself is the match. The group key is the
// route, its receiver and the values of its group_by labels.
import type { RouteNode } from '../config/alerting-config.js';
import { allMatch, type Labels } from './matchers.js';

export function matchRoutes(node: RouteNode, labels: Labels): RouteNode[] {
  if (!allMatch(node.matchers, labels)) return [];
  const out: RouteNode[] = [];
  for (const child of node.routes) {
    const hit = matchRoutes(child, labels);
    if (hit.length) {
      out.push(...hit);
      if (!child.continue) break;
    }
  }
  return out.length ? out : [node];
}

export function groupLabels(route: RouteNode, labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of route.groupBy) out[l] = [...(labels[l] ?? [])].sort().join(',');
  return out;
}

export function groupKey(route: RouteNode, labels: Labels): string {
  const gl = groupLabels(route, labels);
  return `${route.id}|${route.receiver}|${Object.entries(gl).map(([k, v]) => `${k}=${v}`).join(',')}`;
}

export function findRoute(node: RouteNode | null, id: string): RouteNode | null {
  if (!node) return null;
  if (node.id === id) return node;
  for (const c of node.routes) {
    const f = findRoute(c, id);
    if (f) return f;
  }
  return null;
}
