using Microsoft.Extensions.Options;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Salt;

/// <summary>What one further master of <c>SaltApi:Masters</c> runs on: its settings, token, event waiters and master.</summary>
internal sealed record SaltMasterStack(string Name, IOptions<SaltApiOptions> Options, SaltApiSession Session, SaltEventWaiters Waiters, SaltApiMaster Master);
