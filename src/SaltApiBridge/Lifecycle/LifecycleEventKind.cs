namespace SaltApiBridge.Lifecycle;

public enum LifecycleEventKind
{
    /// <summary>Lifecycle hook autoscaling:EC2_INSTANCE_LAUNCHING: the instance waits in Pending:Wait for us.</summary>
    Launching,

    /// <summary>Lifecycle hook autoscaling:EC2_INSTANCE_TERMINATING: the instance waits in Terminating:Wait for us.</summary>
    Terminating,

    /// <summary>Notification EC2_INSTANCE_LAUNCH / "EC2 Instance Launch Successful": informational.</summary>
    Launched,

    /// <summary>Notification EC2_INSTANCE_TERMINATE / "EC2 Instance Terminate Successful": the instance is gone.</summary>
    Terminated,

    /// <summary>Notification EC2_INSTANCE_LAUNCH_ERROR / "EC2 Instance Launch Unsuccessful": informational.</summary>
    LaunchFailed,

    /// <summary>Notification EC2_INSTANCE_TERMINATE_ERROR / "EC2 Instance Terminate Unsuccessful": informational.</summary>
    TerminateFailed,

    /// <summary>autoscaling:TEST_NOTIFICATION, sent when a hook or notification is configured.</summary>
    Test,
}
