/** The parts of a V8 .cpuprofile (node --cpu-prof) that self time needs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** A function's share of a profile's samples. */
export interface HotFunction {
  name: string;
  /** file:line, shortened to the part after node_modules/ or packages/. */
  where: string;
  selfMs: number;
  share: number;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const dependency = path.lastIndexOf('node_modules/');
  if (dependency !== -1) return path.slice(dependency + 'node_modules/'.length);
  const workspace = path.lastIndexOf('packages/');
  return workspace === -1 ? path : path.slice(workspace);
}

/** The functions with the most self time (time on top of the stack), most first. */
export function summarizeCpuProfile(profile: CpuProfile, top = 15): HotFunction[] {
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    totalUs += delta;
    const frame = frameOf.get(nodeId);
    if (!frame) return;
    const name = frame.functionName || '(anonymous)';
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({
      name: entry.name,
      where: entry.where,
      selfMs: entry.us / 1000,
      share: totalUs > 0 ? entry.us / totalUs : 0,
    }));
}
