using GridSpatial.Partitioner.Codes;

namespace GridSpatial.Partitioner.Tests;

public class DivisionCodeTests
{
    [Theory]
    [InlineData("530627")]
    [InlineData("530627118")]
    [InlineData("530627118201")]
    [InlineData("530627118201001")]
    [InlineData("530627118201001001")]
    public void TryParse_DigitsOfALevel_GivesThatLevel(string text)
    {
        Assert.True(DivisionCode.TryParse(text, out var code));
        Assert.Equal(text, code.Value);
        Assert.Equal(text.Length, (int)code.Level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("53062711")]
    [InlineData("0530627118")]
    [InlineData(" 530627118")]
    [InlineData("530627118 ")]
    [InlineData("530 627 118")]
    [InlineData("５３０６２７１１８")]
    [InlineData("٥٣٠٦٢٧١١٨")]
    [InlineData("۵۳۰۶۲۷۱۱۸")]
    [InlineData("530627118\0")]
    [InlineData("+53062711")]
    [InlineData("5.3062711")]
    public void TryParse_AnythingButAsciiDigitsOfALevel_IsRefused(string? text) =>
        Assert.False(DivisionCode.TryParse(text, out _));

    [Fact]
    public void TryParse_WrongLevel_IsRefused() =>
        Assert.False(DivisionCode.TryParse("530627118201", out _, DivisionLevel.Township));

    [Fact]
    public void ParentAndTownship_OfAMicroGrid_AreItsPrefixes()
    {
        Assert.True(DivisionCode.TryParse("530627118201001001", out var micro));
        Assert.True(DivisionCode.TryParse("530627118", out var township));
        Assert.Equal("530627118201001", micro.Parent!.Value);
        Assert.Equal(township, micro.Township);
        Assert.True(micro.IsWithin(township));
        Assert.Null(township.Parent!.Parent);
    }
}
