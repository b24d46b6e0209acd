// The floor's activity: does nothing, answers at once.
export interface FloorActivities {
  noop(input: { caseId: string; step: string }): Promise<{ ok: true }>;
}

export const floorActivities: FloorActivities = {
  async noop() { return { ok: true }; },
};
