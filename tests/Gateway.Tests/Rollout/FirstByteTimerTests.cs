using System.Diagnostics;
using Gateway.Rollout;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Rollout;

/// <summary>The first-byte timer of a response under rollout: what it notes, and that the response's body is left as it was.</summary>
public sealed class FirstByteTimerTests
{
    private static DefaultHttpContext Context(MemoryStream body)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        return context;
    }

    [Fact]
    public async Task The_first_body_write_is_timed_every_byte_reaches_the_body_and_the_body_is_given_back()
    {
        var body = new MemoryStream();
        var context = Context(body);
        var original = context.Features.Get<IHttpResponseBodyFeature>();

        FirstByteTimer.Attach(context);
        await context.Response.StartAsync();
        var beforeWrite = Stopwatch.GetTimestamp();
        await context.Response.Body.WriteAsync("data: first\n\n"u8.ToArray());
        var afterFirst = Stopwatch.GetTimestamp();
        await context.Response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        var firstByte = FirstByteTimer.Detach(context);

        Assert.InRange(firstByte, beforeWrite, afterFirst);
        Assert.Equal("data: first\n\ndata: [DONE]\n\n", System.Text.Encoding.UTF8.GetString(body.ToArray()));
        Assert.Same(original, context.Features.Get<IHttpResponseBodyFeature>());
        Assert.Same(body, context.Response.Body);
        Assert.Null(context.Features.Get<FirstByteTimer>());
    }

    [Fact]
    public void An_empty_write_is_not_a_first_byte_and_an_answer_without_a_body_has_none()
    {
        var context = Context(new MemoryStream());

        FirstByteTimer.Attach(context);
        context.Response.Body.Write([], 0, 0);

        Assert.Equal(0, FirstByteTimer.Detach(context));
    }

    [Fact]
    public void A_request_that_was_not_timed_has_no_first_byte_and_keeps_its_body()
    {
        var body = new MemoryStream();
        var context = Context(body);

        Assert.Equal(0, FirstByteTimer.Detach(context));
        Assert.Same(body, context.Response.Body);
    }

    [Fact]
    public async Task A_body_wrapper_put_on_and_taken_off_inside_the_timer_unwinds_to_the_timer_and_the_body()
    {
        // As the token metering does: it wraps whatever body it finds, and puts that stream back when done.
        var body = new MemoryStream();
        var context = Context(body);
        var original = context.Features.Get<IHttpResponseBodyFeature>();
        FirstByteTimer.Attach(context);
        var timed = context.Response.Body;
        context.Response.Body = new BufferedStream(timed);

        await context.Response.Body.WriteAsync("x"u8.ToArray());
        await context.Response.Body.FlushAsync();
        context.Response.Body = timed;
        var firstByte = FirstByteTimer.Detach(context);

        Assert.NotEqual(0, firstByte);
        Assert.Equal("x", System.Text.Encoding.UTF8.GetString(body.ToArray()));
        Assert.Same(original, context.Features.Get<IHttpResponseBodyFeature>());
    }
}
