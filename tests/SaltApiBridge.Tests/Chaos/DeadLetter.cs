namespace SaltApiBridge.Tests.Chaos;

/// <summary>A message found in the dead-letter queue at the end of a run.</summary>
internal sealed record DeadLetter(string MessageId, string Body, int ReceiveCount);
