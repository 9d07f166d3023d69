using Sgraf.TestSupport;
using System.Text;
using Sgraf.Inference.Data;

namespace Sgraf.Inference.Tests.Data;

public class CaptionFileTests
{
    static IReadOnlyList<string> ReadBytes(byte[] bytes)
    {
        using var dir = new TempDirectory();
        var path = dir.File("caps.txt");
        File.WriteAllBytes(path, bytes);
        return CaptionFile.Read(path);
    }

    static IReadOnlyList<string> ReadText(string text) => ReadBytes(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_final_newline_ends_the_last_caption_without_adding_one() =>
        Assert.Equal(["a dog", "a cat"], ReadText("a dog\na cat\n"));

    [Fact]
    public void A_last_line_without_newline_is_a_caption() =>
        Assert.Equal(["a dog", "a cat"], ReadText("a dog\na cat"));

    [Fact]
    public void Blank_lines_are_empty_captions() =>
        Assert.Equal(["a dog", "", "a cat", ""], ReadText("a dog\n\na cat\n\n"));

    [Fact]
    public void An_empty_file_has_no_captions() => Assert.Empty(ReadText(""));

    [Fact]
    public void Crlf_line_endings_are_stripped() =>
        Assert.Equal(["a dog", "a cat"], ReadText("a dog\r\na cat\r\n"));

    [Fact]
    public void Strips_ascii_whitespace_at_both_ends_only() =>
        Assert.Equal(["a  dog\tin\rwater"], ReadText(" \t\v\fa  dog\tin\rwater \r\n"));

    [Fact]
    public void Keeps_non_ascii_whitespace_and_case_like_bytes_strip() =>
        Assert.Equal(["\u00a0A CAFÉ\u3000"], ReadText("\u00a0A CAFÉ\u3000\n"));

    [Fact]
    public void Invalid_utf8_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var path = dir.File("caps.txt");
        File.WriteAllBytes(path, [.. "ok\nfine\n"u8, 0x61, 0xFF, 0x62, (byte)'\n']);

        var error = Assert.Throws<InvalidInputException>(() => CaptionFile.Read(path));

        Assert.StartsWith($"{path}: line 3 is not valid UTF-8", error.Message);
    }
}
