namespace SaltApiBridge.Tests.Chaos;

/// <summary>A message body the suite sends and what must become of it.</summary>
/// <param name="Label">What it is, for failure messages.</param>
/// <param name="MinionId">The minion it concerns (null for rejected and test messages).</param>
/// <param name="Result">For <see cref="Expectation.CompleteAction"/>: the result its one successful completion must carry.</param>
/// <param name="Launch">A launch: the one kind of message that may accept a key.</param>
internal sealed record ChaosMessage(
    string Label, string Body, Expectation Expect, string? Group = null, string? Hook = null, string? Token = null,
    string? MinionId = null, string? Result = null, bool Launch = false);
