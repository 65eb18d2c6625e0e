"""Write services for matters: registration and one service per workflow action."""
