namespace SaltApiBridge.Lifecycle;

/// <summary>How the message reached the queue.</summary>
public enum SourceFormat
{
    /// <summary>A lifecycle hook whose notification target is the queue itself.</summary>
    LifecycleHook,

    /// <summary>A lifecycle hook published to SNS, inside the SNS envelope (raw delivery off).</summary>
    SnsLifecycleHook,

    /// <summary>An Auto Scaling notification (or test notification) delivered raw, without an envelope.</summary>
    Notification,

    /// <summary>An Auto Scaling notification (or test notification) inside an SNS envelope.</summary>
    SnsNotification,

    /// <summary>An EventBridge event (source aws.autoscaling) whose rule targets the queue.</summary>
    EventBridge,

    /// <summary>No message: a lifecycle action resumed from its provisioning record (a takeover of a replica that is gone).</summary>
    Record,
}
