using SaltApiBridge.Lifecycle;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Pipeline;

/// <summary>A message whose fate is decided: its plan (null when unparseable) and the outcome of its work.</summary>
public sealed record SettledMessage(QueueMessage Message, ActionPlan? Plan, WorkOutcome Outcome);
