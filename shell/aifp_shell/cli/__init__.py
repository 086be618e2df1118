"""The two front ends (Typer app, seed argparse) and the backup progress bar."""
