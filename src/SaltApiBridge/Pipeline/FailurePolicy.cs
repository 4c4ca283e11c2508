namespace SaltApiBridge.Pipeline;

public enum FailurePolicy
{
    /// <summary>Complete the lifecycle action (launch: Bridge:LaunchFailureResult; terminate: CONTINUE) and delete the message.</summary>
    CompleteLifecycleAction,

    /// <summary>Leave the message: it is received again after a backoff and, after the queue's maxReceiveCount, moves to the dead-letter queue.</summary>
    LeaveForRedrive,
}
