"""The two front ends: the Typer app and the seed form's argparse."""
