"""The DingTalk subscribed-calendar SDK: the hand-written layer over the generated client."""
