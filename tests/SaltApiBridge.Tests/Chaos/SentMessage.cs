namespace SaltApiBridge.Tests.Chaos;

/// <summary>A message as SQS accepted it: its id and what it carries.</summary>
internal sealed record SentMessage(string MessageId, ChaosMessage Message);
