using Sgraf.Inference;
using Spectre.Console;

namespace Sgraf.Tools;

/// <summary>
/// Runs a verb's body and turns expected failures into one clear line on stderr and exit code 1.
/// Bad input is the user's to fix, so it gets the message, not a stack trace.
/// </summary>
internal static class CommandRunner
{
    public const int Success = 0;
    public const int InputError = 1;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InvalidInputException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return InputError;
    }

    /// <summary>A progress bar with ETA on stderr, so stdout stays clean for results.</summary>
    public static T WithProgress<T>(string description, Func<ProgressTask, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(context.AddTask(description)));
    }
}
