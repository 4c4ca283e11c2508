namespace SaltApiBridge.Tests.Chaos;

/// <summary>An event with its place in one order shared by every recorder of a run (<see cref="ChaosTimeline"/>).</summary>
internal sealed record Timed<T>(long Sequence, T Value);
