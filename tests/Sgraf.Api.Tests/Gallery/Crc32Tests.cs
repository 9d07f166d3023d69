using System.Text;
using Sgraf.Api.Gallery;

namespace Sgraf.Api.Tests.Gallery;

public class Crc32Tests
{
    [Fact]
    public void Matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Empty_input_is_zero() => Assert.Equal(0u, Crc32.Compute([]));
}
