namespace SaltApiBridge.AutoScaling;

/// <summary>Why a <see cref="HeartbeatLease"/> stopped sending heartbeats.</summary>
internal enum HeartbeatStopReason
{
    /// <summary>The lease was disposed or its cancellation token fired: the job ended.</summary>
    Stopped,

    /// <summary>AWS has no active lifecycle action any more (timed out or completed elsewhere).</summary>
    ActionGone,

    /// <summary>AWS refused the heartbeat for good (permissions, credentials, validation).</summary>
    Failed,

    /// <summary>The hook's global timeout has passed: Auto Scaling has applied its default result, heartbeats are futile.</summary>
    GlobalTimeout,
}
