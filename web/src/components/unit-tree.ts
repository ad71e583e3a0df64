/** The organisation's units as antd tree data (TreeSelect, Tree), from flat parent links. */
export interface UnitTreeNode {
  value: number;
  key: number;
  title: string;
  children: UnitTreeNode[];
}

export function unitTree(units: readonly { id: number; name: string; parentId: number | null }[], label?: (u: { id: number; name: string }) => string): UnitTreeNode[] {
  const nodes = new Map<number, UnitTreeNode>(units.map((u) => [u.id, { value: u.id, key: u.id, title: label ? label(u) : u.name, children: [] }]));
  const roots: UnitTreeNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.id)!;
    const parent = u.parentId === null ? undefined : nodes.get(u.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
