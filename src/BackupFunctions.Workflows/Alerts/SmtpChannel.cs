using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// E-mail over SMTP with MailKit: one message per event to every To address, subject "[BackupFunctions] " + the
/// title, the details as plain text. A 5xx answer or a refused login is permanent; a dropped connection or a 4xx is retried.
/// </summary>
public sealed class SmtpChannel(string name, AlertChannelOptions options, TimeSpan attemptTimeout) : IAlertChannel
{
    public string Name { get; } = name;

    public string MinSeverity { get; } = options.MinSeverity;

    public static bool TryParseSecurity(string? value, out SecureSocketOptions security)
    {
        security = SecureSocketOptions.StartTls;
        return value switch
        {
            null or "" or "StartTls" => true,
            "SslOnConnect" => Set(SecureSocketOptions.SslOnConnect, out security),
            "StartTlsWhenAvailable" => Set(SecureSocketOptions.StartTlsWhenAvailable, out security),
            "None" => Set(SecureSocketOptions.None, out security),
            _ => false,
        };

        static bool Set(SecureSocketOptions v, out SecureSocketOptions s)
        {
            s = v;
            return true;
        }
    }

    public async Task SendAsync(AlertNotification notification, CancellationToken ct)
    {
        TryParseSecurity(options.Security, out var security);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From ?? throw new InvalidOperationException($"Alert channel {Name}: From is not set.")));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = "[BackupFunctions] " + notification.Title;
        message.MessageId = $"{notification.DeliveryId}@backupfunctions";
        message.Headers.Add("X-BackupFunctions-Alert", notification.Alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Body = new TextPart("plain") { Text = notification.Text };

        using var client = new SmtpClient { Timeout = (int)attemptTimeout.TotalMilliseconds };
        var shown = $"smtp://{options.Host}:{options.Port}";
        try
        {
            await client.ConnectAsync(options.Host ?? "", options.Port, security, ct);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (AuthenticationException e)
        {
            throw new AlertDeliveryException($"{shown} refused the login of '{options.Username}': {e.Message}", permanent: true, e);
        }
        catch (SmtpCommandException e)
        {
            var permanent = (int)e.StatusCode >= 500;
            throw new AlertDeliveryException($"{shown} answered {(int)e.StatusCode}: {e.Message}", permanent, e);
        }
        catch (Exception e) when (e is SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or SslHandshakeException)
        {
            throw new AlertDeliveryException($"{shown} could not take the message: {e.Message}", permanent: false, e);
        }
    }
}
