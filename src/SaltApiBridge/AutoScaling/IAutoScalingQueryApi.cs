using Refit;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The Auto Scaling Query API: every action is a form POST to "/". The response is XML, read by
/// <see cref="AutoScalingXml"/>, so the raw response is returned and Refit's JSON serializer is never involved.
/// </summary>
internal interface IAutoScalingQueryApi
{
    [Post("/")]
    Task<HttpResponseMessage> CallAsync(
        [Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> form,
        CancellationToken cancellationToken);
}
